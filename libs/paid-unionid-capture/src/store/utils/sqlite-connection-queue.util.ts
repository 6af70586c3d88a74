import type { DataSource } from 'typeorm';
import { SerialQueue } from './serial-queue.util';

const queues = new WeakMap<DataSource, SerialQueue>();

/**
 * The one queue of a better-sqlite3 DataSource's single connection, shared by every store on it
 * (`SqlitePaidUnionIdStore`, `PaidUnionIdCaptureComponentStore`). A statement issued while
 * another store's transaction is open would run inside it (committed or rolled back with it), and
 * a second BEGIN would fail; running every operation through this queue keeps them apart.
 */
export function sqliteQueueOf(dataSource: DataSource): SerialQueue {
  let queue = queues.get(dataSource);
  if (!queue) {
    queue = new SerialQueue();
    queues.set(dataSource, queue);
  }
  return queue;
}
