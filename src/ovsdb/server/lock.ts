// OVSDB locks (RFC 7047 section 4.1.8-4.1.10): per lock name, a queue of
// sessions that asked for it; the head owns it. "lock" joins the tail,
// "steal" jumps to the head (the old owner stays queued and is told "stolen"),
// "unlock" and a closed session leave the queue. After anyone leaves, the
// head is told "locked" again, even if it already owned the lock: the real
// ovsdb-server 3.1 does the same, and clients take it as a no-op.
// Used by session.ts; transactions ask isOwner() for "assert".

/** Whatever a session is; the manager only needs to notify it. */
export interface LockHolder {
  /** Sends a "locked" or "stolen" notification for `name`. */
  notifyLock(method: 'locked' | 'stolen', name: string): void;
}

export class LockManager {
  /** Lock name -> waiting holders, owner first. */
  private readonly queues = new Map<string, LockHolder[]>();

  /** True if `holder` is queued for `name` (as owner or waiter). */
  isQueued(name: string, holder: LockHolder): boolean {
    return this.queues.get(name)?.includes(holder) ?? false;
  }

  isOwner(name: string, holder: LockHolder): boolean {
    return this.queues.get(name)?.[0] === holder;
  }

  /** Queues `holder`; true when it owns the lock at once. The caller checks isQueued() first. */
  lock(name: string, holder: LockHolder): boolean {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = [];
      this.queues.set(name, queue);
    }
    queue.push(holder);
    return queue[0] === holder;
  }

  /** Makes `holder` the owner; the previous owner stays queued and is told "stolen". */
  steal(name: string, holder: LockHolder): void {
    const queue = this.queues.get(name) ?? [];
    this.queues.set(name, queue);
    const previous = queue[0];
    queue.unshift(holder);
    if (previous !== undefined) previous.notifyLock('stolen', name);
  }

  /** Leaves the queue of `name`; the head (possibly unchanged) is told "locked". */
  unlock(name: string, holder: LockHolder): void {
    const queue = this.queues.get(name);
    if (!queue) return;
    const at = queue.indexOf(holder);
    if (at < 0) return;
    queue.splice(at, 1);
    if (queue.length === 0) {
      this.queues.delete(name);
      return;
    }
    queue[0].notifyLock('locked', name);
  }

  /** Drops every lock request of a closing session. */
  release(holder: LockHolder): void {
    for (const [name, queue] of [...this.queues]) {
      if (queue.includes(holder)) this.unlock(name, holder);
    }
  }

  /** Lock names with their queue lengths, for debugging. */
  names(): string[] {
    return [...this.queues.keys()].sort();
  }
}
