import type { z } from 'zod';
import { appContract } from './app.contract';
import { authContract } from './auth.contract';
import type { MethodSpec } from './common';
import { journalContract } from './journal.contract';
import { replicaContract } from './replica.contract';
import { syncContract } from './sync.contract';
import { messagesContract } from './messages.contract';
import { controlContract } from './control.contract';
import { subsContract } from './subs.contract';
import { printContract } from './print.contract';
import { documentsContract } from './documents.contract';
import { archiveContract } from './archive.contract';
import { backupContract } from './backup.contract';

/** Join area contracts, refusing a method name defined twice (ARCHITECTURE.md, rule 2). */
function join<T extends Record<string, MethodSpec>>(...areas: ReadonlyArray<Record<string, MethodSpec>>): T {
  const out: Record<string, MethodSpec> = {};
  for (const area of areas) {
    for (const [name, spec] of Object.entries(area)) {
      if (name in out) throw new Error(`API method ${name} is defined twice`);
      out[name] = spec;
    }
  }
  return out as T;
}

/** The one contract of the app: every method the UI can call. */
export const contract = join<
  typeof appContract &
    typeof authContract &
    typeof journalContract &
    typeof replicaContract &
    typeof syncContract &
    typeof messagesContract &
    typeof controlContract &
    typeof subsContract &
    typeof printContract &
    typeof documentsContract &
    typeof archiveContract &
    typeof backupContract
>(
  appContract,
  authContract,
  journalContract,
  replicaContract,
  syncContract,
  messagesContract,
  controlContract,
  subsContract,
  printContract,
  documentsContract,
  archiveContract,
  backupContract,
);

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Input<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type Output<M extends MethodName> = z.output<Contract[M]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
