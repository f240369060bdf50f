import { createContext, useContext } from 'react';
import type { Output } from '../src-shared/contract';

/** The replica's facts (scope, clock) for every screen. */
export const AppInfoContext = createContext<Output<'app.info'> | null>(null);

export function useAppInfo(): Output<'app.info'> {
  const v = useContext(AppInfoContext);
  if (!v) throw new Error('useAppInfo outside AppInfoContext');
  return v;
}
