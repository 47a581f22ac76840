import { mtlProject } from '../vitest.shared.ts';

export default mtlProject('@mtl/examples');
