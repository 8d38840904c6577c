// @converge/testing/images: the images hack/images/build.sh builds (cached tarballs + index) and the
// harness's own dockerd, for the e2e tests (Compose, the image checks) and the real node.
export * from './image-index';
export * from './dockerd';
