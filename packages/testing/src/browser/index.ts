// @converge/testing/browser: the web e2e's browser (playwright-core), stack and UI steps; kept off
// the package's main entry so a service's tests never load a browser driver.
export * from './accounts';
export * from './browser';
export * from './pair';
export * from './stack';
export * from './use-browser-stack';
