// The device's one event queue (seed 001): multicast notifications of every
// family (a vport added, a datapath deleted) go into a bounded ring, each
// tagged with its group; every socket that joined groups reads the ring from
// its own cursor. A socket that falls more than the ring's size behind loses
// the oldest events and learns it once as ENOBUFS, as a Linux netlink socket
// whose receive buffer overran (dpif then resynchronises its port list).

import { ENOBUFS } from '../lib/errno.js';

export const DEFAULT_EVENT_RING_SIZE = 4096;

interface EventEntry {
  group: number;
  /** Socket that must not get this copy (it got the NLM_F_ECHO answer), or 0. */
  exclude: number;
  message: Uint8Array;
}

/** One socket's view of the ring. */
export class EventCursor {
  /** Joined groups, each with the sequence number of its first event for this socket. */
  readonly groups = new Map<number, number>();
  /** Sequence number of the next event to look at. */
  next = 0;
}

function wanted(cursor: EventCursor, pid: number, e: EventEntry, seq: number): boolean {
  const since = cursor.groups.get(e.group);
  return since !== undefined && seq >= since && e.exclude !== pid;
}

export class EventRing {
  private readonly entries: (EventEntry | undefined)[];
  /** Sequence number the next event gets; events [head - size, head) are kept. */
  private head = 0;

  constructor(readonly size = DEFAULT_EVENT_RING_SIZE) {
    this.entries = new Array<EventEntry | undefined>(size);
  }

  /** A cursor that sees events from now on. */
  newCursor(): EventCursor {
    const cursor = new EventCursor();
    cursor.next = this.head;
    return cursor;
  }

  push(group: number, exclude: number, message: Uint8Array): void {
    this.entries[this.head % this.size] = { group, exclude, message };
    this.head++;
  }

  /** Whether `cursor` (owned by socket `pid`) has an event to read or an overrun to report. */
  pending(cursor: EventCursor, pid: number): boolean {
    if (cursor.groups.size === 0) return false;
    if (cursor.next < this.head - this.size) return true;
    for (let seq = cursor.next; seq < this.head; seq++) {
      const e = this.entries[seq % this.size]!;
      if (wanted(cursor, pid, e, seq)) return true;
    }
    return false;
  }

  /**
   * Moves up to `max` events for `cursor` into `out`. Returns ENOBUFS (and
   * moves nothing) when events were overwritten before the cursor read them;
   * the cursor then skips to the oldest kept event.
   */
  read(cursor: EventCursor, pid: number, max: number, out: Uint8Array[]): number {
    const oldest = this.head - this.size;
    if (cursor.next < oldest) {
      cursor.next = oldest;
      if (cursor.groups.size > 0) return ENOBUFS;
    }
    let taken = 0;
    while (cursor.next < this.head && taken < max) {
      const seq = cursor.next++;
      const e = this.entries[seq % this.size]!;
      if (wanted(cursor, pid, e, seq)) {
        out.push(e.message);
        taken++;
      }
    }
    return 0;
  }

  /** Where a cursor joining now starts. */
  now(): number {
    return this.head;
  }
}
