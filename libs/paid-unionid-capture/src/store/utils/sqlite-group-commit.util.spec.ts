import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialQueue } from './serial-queue.util';
import { SqliteGroupCommit } from './sqlite-group-commit.util';

describe('SqliteGroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  let reader: Database.Database;
  let group: SqliteGroupCommit;
  const insert = (id: string | null) => () =>
    db.prepare('INSERT INTO t (id) VALUES (?) ON CONFLICT DO NOTHING').run(id).changes === 1;
  const stored = () =>
    (reader.prepare('SELECT id FROM t ORDER BY id').all() as { id: string }[]).map((r) => r.id);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = new Database(join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY NOT NULL)');
    reader = new Database(join(dir, 'db.sqlite'), { readonly: true });
    group = new SqliteGroupCommit(db, new SerialQueue());
  });

  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the writes of one turn in one transaction and settles each after the commit', async () => {
    const inTransaction: boolean[] = [];
    const results = await Promise.all(
      ['a', 'b', 'a', 'c'].map((id) =>
        group.submit(() => {
          inTransaction.push(db.inTransaction);
          return insert(id)();
        }),
      ),
    );
    expect(results).toEqual([true, true, false, true]);
    expect(inTransaction).toEqual([true, true, true, true]);
    expect(stored()).toEqual(['a', 'b', 'c']);
  });

  it('nothing is visible elsewhere before its promise settles', async () => {
    const visibleAtSubmit: string[][] = [];
    const done = group.submit(insert('a')).then(() => stored());
    visibleAtSubmit.push(stored());
    expect(visibleAtSubmit).toEqual([[]]);
    expect(await done).toEqual(['a']);
  });

  it('rejects a failing statement alone and commits the rest of its batch', async () => {
    const results = await Promise.allSettled([
      group.submit(insert('a')),
      group.submit(insert(null)), // NOT NULL: SQLite rolls back this statement only
      group.submit(insert('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored()).toEqual(['a', 'b']);
  });

  it('rejects every write of a batch whose transaction is lost, and stores none of them', async () => {
    const results = await Promise.allSettled([
      group.submit(insert('a')),
      group.submit(() => db.exec('ROLLBACK')), // stands for an I/O error that ends the transaction
      group.submit(insert('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(stored()).toEqual([]);
    // The next turn's batch commits normally.
    expect(await group.submit(insert('c'))).toBe(true);
    expect(stored()).toEqual(['c']);
  });

  it('rejects the batch when the connection is closed', async () => {
    const pending = group.submit(insert('a'));
    db.close();
    await expect(pending).rejects.toThrow();
    db = new Database(join(dir, 'db.sqlite'));
  });
});
