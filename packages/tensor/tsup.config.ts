import { packageBuild } from '../../tsup.shared';

// The assertions for tests are a second entry, sharing the core with the first.
export default packageBuild(['src/index.ts', 'src/testing.ts']);
