import type { FieldProfile } from './field-profile';
import type { PairScore } from './pair-score';
import type { SuggestedTransform } from './transform-choice';

/** A saved mapping as learning reads it. */
export interface TaughtMapping {
  id: string;
  name: string;
  sourceObject: string;
  updatedAt: Date;
  rules: readonly { sourceField: string; targetField: string; transform?: { type: string; params?: unknown } | null }[];
}

/** The part of suggest-mappings.ts's candidates learning reads and changes. */
export interface LearnableCandidate {
  source: FieldProfile;
  target: FieldProfile;
  confidence: number;
  transform: SuggestedTransform | { type: string; params?: unknown } | null;
  learned: boolean;
  reasons?: string[];
  score?: PairScore;
}
