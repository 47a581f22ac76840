import { mtlProject } from '../../vitest.shared';

export default mtlProject('@mtl/playground');
