/** Jest globalTeardown: stops what globalSetup started, also after failed tests. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.testServices?.stop();
}
