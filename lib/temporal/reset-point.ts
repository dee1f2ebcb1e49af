// Where to reset a failed run with `temporal workflow reset --event-id`: the completed workflow task that
// scheduled the activity whose failure ended the run. A reset there keeps every stage that completed
// before it (their results stay in the history) and runs that activity again, then the rest.
import type proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

// The reset event id and the activity it re-runs, or null when no activity failure ended the run.
export interface ResetPoint {
  eventId: number;
  activityType: string;
}

// Finds the reset point in a failed run's history (events in order).
export function findResetPoint(events: HistoryEvent[]): ResetPoint | null {
  const scheduled = new Map<number, HistoryEvent>();
  let last: ResetPoint | null = null;
  for (const event of events) {
    const id = Number(event.eventId);
    if (event.activityTaskScheduledEventAttributes) scheduled.set(id, event);
    const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (failed) {
      const schedule = scheduled.get(Number(failed.scheduledEventId));
      const attributes = schedule?.activityTaskScheduledEventAttributes;
      if (attributes) last = { eventId: Number(attributes.workflowTaskCompletedEventId), activityType: attributes.activityType?.name ?? '?' };
    }
  }
  return last;
}
