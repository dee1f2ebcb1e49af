// The Temporal activity context when code runs as an activity, null when a test or script calls it directly.
import { Context } from '@temporalio/activity';

// Context.current() without the throw outside an activity.
export function activityContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}
