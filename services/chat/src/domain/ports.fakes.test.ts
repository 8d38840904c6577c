import { fakeRepositories } from './ports.fakes';
import { repositoryContract } from './repositories.contract';

repositoryContract('in-memory fakes', async () => ({ ...fakeRepositories(), close: async () => undefined }));
