/** Rule families and the codes each can emit. Add a rule: a file in rules/, its meta in meta.ts, one line here. */
import type { RuleContext } from './context';
import { ML001, ML002, ML003, ML004, ML005, ML006, ML007, ML008, ML009, ML010, ML011, ML012, ML013, ML014, ML015, ML016 } from './meta';
import { checkKeras } from './rules/keras';
import { checkListings } from './rules/listing';
import { checkLosses } from './rules/losses';
import { checkModes } from './rules/modes';
import { checkDoubleNormalization } from './rules/normalize';
import { checkNumerics } from './rules/numerics';
import { checkRegressionShapes } from './rules/regressionShape';
import { checkReshape } from './rules/reshape';
import { checkSeed } from './rules/seed';
import { checkZeroGrad } from './rules/zeroGrad';
import type { RuleMeta } from './types';

export interface RuleFamily {
  name: string;
  emits: readonly RuleMeta[];
  run(ctx: RuleContext): void;
}

export const RULE_FAMILIES: readonly RuleFamily[] = [
  { name: 'listing', emits: [ML001], run: checkListings },
  { name: 'losses', emits: [ML002, ML003, ML004, ML005, ML015], run: checkLosses },
  { name: 'keras', emits: [ML002, ML004, ML005], run: checkKeras },
  { name: 'regression-shape', emits: [ML006], run: checkRegressionShapes },
  { name: 'modes', emits: [ML007, ML008, ML014], run: checkModes },
  { name: 'zero-grad', emits: [ML009], run: checkZeroGrad },
  { name: 'reshape', emits: [ML010], run: checkReshape },
  { name: 'numerics', emits: [ML011, ML016], run: checkNumerics },
  { name: 'normalize', emits: [ML012], run: checkDoubleNormalization },
  { name: 'seed', emits: [ML013], run: checkSeed },
];
