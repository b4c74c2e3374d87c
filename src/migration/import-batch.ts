import type { ControlledTransaction } from "kysely";
import type { Db } from "../db/database.js";
import type { Database } from "../db/schema.js";

/** Posts (with their comments) written in one transaction, at most. */
export const IMPORT_BATCH_ITEMS = 200;
/**
 * How long one transaction stays open, at most. On SQLite the site's own writes wait while an
 * import from the admin page holds the database, so a batch is also cut short in time.
 */
export const IMPORT_BATCH_MS = 250;

/**
 * The importer's writes, grouped into transactions of up to `IMPORT_BATCH_ITEMS` records or
 * `IMPORT_BATCH_MS`: one commit, and so one fsync, per batch instead of per post, which was half
 * of an import's time. Each unit of work runs under a savepoint, so a record that fails leaves
 * nothing behind while the rest of its batch stands. The import map is written in the same
 * transactions as what it maps, so a killed import loses at most its open batch, and running it
 * again redoes exactly that.
 */
export class ImportBatch {
  private transaction: ControlledTransaction<Database> | undefined;
  /** Records finished in the open batch. */
  private records = 0;
  private openedAtMs = 0;
  private savepoints = 0;

  constructor(
    private readonly root: Db,
    private readonly limits = { items: IMPORT_BATCH_ITEMS, ms: IMPORT_BATCH_MS },
  ) {}

  /** Where the import's queries go: the open batch's transaction, else the database itself. */
  get db(): Db {
    return this.transaction ?? this.root;
  }

  /**
   * True while a batch is open. On SQLite the batch holds the one connection: a query through
   * anything but `db` (another handle of the same database) then waits for a commit that cannot
   * come, so such work waits until this is false.
   */
  get isOpen(): boolean {
    return this.transaction !== undefined;
  }

  /** Opens a batch unless one is open. */
  async open(): Promise<void> {
    if (this.transaction !== undefined) return;
    this.transaction = await this.root.startTransaction().execute();
    this.openedAtMs = performance.now();
    this.records = 0;
  }

  /**
   * Runs `work` under a savepoint of the open batch: when it throws, its writes are undone and
   * the error goes on to the caller; the batch itself stays usable.
   */
  async unit<T>(work: (db: Db) => Promise<T>): Promise<T> {
    await this.open();
    const transaction = this.transaction as ControlledTransaction<Database>;
    const name = `import_unit_${++this.savepoints}`;
    const saved = await transaction.savepoint(name).execute();
    try {
      const result = await work(saved);
      await saved.releaseSavepoint(name).execute();
      return result;
    } catch (error) {
      await saved.rollbackToSavepoint(name).execute();
      await saved.releaseSavepoint(name).execute();
      throw error;
    }
  }

  /** Counts a finished record; commits the open batch when it is full or has been open long enough. */
  async recordDone(): Promise<void> {
    if (this.transaction === undefined) return;
    this.records += 1;
    if (this.records >= this.limits.items || performance.now() - this.openedAtMs >= this.limits.ms)
      await this.commit();
  }

  /** Commits what the open batch holds (before slow outside work, and at the end). */
  async commit(): Promise<void> {
    const transaction = this.transaction;
    this.transaction = undefined;
    await transaction?.commit().execute();
  }

  /** Undoes the open batch (the import could not go on and must not keep half a record). */
  async rollback(): Promise<void> {
    const transaction = this.transaction;
    this.transaction = undefined;
    await transaction?.rollback().execute();
  }
}
