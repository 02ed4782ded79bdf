// Upcall queues: the datapath's side of seed 001's "one upcall queue per
// netlink socket". The packet family (src/datapath) appends finished
// OVS_PACKET_CMD_MISS / OVS_PACKET_CMD_ACTION messages for a socket id; the
// pseudo device (src/device) takes them when that socket reads. A queue is
// bounded: a full queue refuses the message, and the caller counts it as lost
// (Linux's `lost` counter), never blocks. Messages for one socket keep their
// order, so upcalls of one flow arrive in the order the packets did.

/** Messages a socket's queue holds before refusing more (Linux's socket buffer plays this role). */
export const DEFAULT_UPCALL_QUEUE_LIMIT = 4096;

export class UpcallQueues {
  private readonly queues = new Map<number, Uint8Array[]>();
  /** Called once when a socket's queue goes from empty to non-empty (the pending read's signal). */
  onArrival: ((pid: number) => void) | null = null;

  constructor(readonly limitPerSocket = DEFAULT_UPCALL_QUEUE_LIMIT) {}

  /** Appends `message` for socket `pid`. False when the queue is full: the caller counts a loss. */
  enqueue(pid: number, message: Uint8Array): boolean {
    let queue = this.queues.get(pid);
    if (queue === undefined) {
      queue = [];
      this.queues.set(pid, queue);
    }
    if (queue.length >= this.limitPerSocket) return false;
    queue.push(message);
    if (queue.length === 1 && this.onArrival !== null) this.onArrival(pid);
    return true;
  }

  /** Removes and returns up to `max` messages for `pid`, oldest first. */
  take(pid: number, max: number): Uint8Array[] {
    const queue = this.queues.get(pid);
    if (queue === undefined || queue.length === 0) return [];
    return queue.splice(0, max);
  }

  /** Messages waiting for `pid`. */
  size(pid: number): number {
    return this.queues.get(pid)?.length ?? 0;
  }

  /** Forgets socket `pid` and what waits for it (the socket closed). */
  drop(pid: number): void {
    this.queues.delete(pid);
  }
}
