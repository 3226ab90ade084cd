// Change detection of the master-data flows against a CRM that paces its callers.
import { isAppError } from '../../policy/errors.ts';
import type { DetectResult, FlowContext } from '../flow.ts';

/**
 * Runs one detect; when the CRM still answers 429 after the connector's own backoff
 * (connectors/shared/resilience.ts), this poll reads nothing: the cursor stays where
 * it is and the next poll starts from there, so no change is lost and the other flows
 * of the round still run. Any other failure is the engine's to report.
 */
export async function detectUnlessRateLimited(ctx: FlowContext, model: string, work: () => Promise<DetectResult>): Promise<DetectResult> {
  try {
    return await work();
  } catch (e) {
    if (!isAppError(e) || e.code !== 'BACKEND_RATE_LIMITED') throw e;
    ctx.logger.warn({ flow: ctx.flow, model, code: e.code }, 'the CRM is rate limiting: this poll detects nothing, the next one resumes from the cursor');
    return { changes: [], drained: true };
  }
}
