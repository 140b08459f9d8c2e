import { BadUserInputError } from '../../errors';
import type { ErrorExplanation } from '../intelligence.type';
import { explainProviderError } from './error-knowledge';

const MAX_PROVIDER_LENGTH = 100;
const MAX_CODE_LENGTH = 200;
/** Long enough for any provider's message (ProviderError keeps 500 characters); the rest is noise. */
const MAX_MESSAGE_LENGTH = 5000;

export interface ExplainErrorInput {
  provider: string;
  status?: number | null;
  code?: string | null;
  message?: string | null;
}

/**
 * explainError: checks the arguments, then answers from the knowledge base alone (no network,
 * no model service), so the same question always gets the same answer.
 */
export class ErrorExplainerService {
  explain(input: ExplainErrorInput): ErrorExplanation {
    const provider = typeof input.provider === 'string' ? input.provider.trim() : '';
    if (!provider) throw new BadUserInputError('provider is required: a connector key such as stripe, or a provider name', 'provider');
    if (provider.length > MAX_PROVIDER_LENGTH) throw new BadUserInputError(`provider is at most ${MAX_PROVIDER_LENGTH} characters`, 'provider');
    if (input.status !== null && input.status !== undefined && (!Number.isInteger(input.status) || input.status < 100 || input.status > 599)) {
      throw new BadUserInputError('status must be an HTTP status code from 100 to 599', 'status');
    }
    if (input.code && input.code.length > MAX_CODE_LENGTH) throw new BadUserInputError(`code is at most ${MAX_CODE_LENGTH} characters`, 'code');
    if (input.message && input.message.length > MAX_MESSAGE_LENGTH)
      throw new BadUserInputError(`message is at most ${MAX_MESSAGE_LENGTH} characters`, 'message');
    const explained = explainProviderError({ provider, status: input.status, code: input.code, message: input.message });
    return { code: explained.code, explanation: explained.explanation, suggestedFix: explained.suggestedFix, retryable: explained.retryable };
  }
}
