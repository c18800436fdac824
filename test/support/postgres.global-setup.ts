import { assertPostgresReachable } from './postgres';

export default async function setup(): Promise<void> {
  await assertPostgresReachable();
}
