import { z } from 'zod';
import { id, method } from './common';

export const messagesContract = {
  /**
   * Send a message to a person's AVN cabinet (a notice to a teacher, a message to a substitute):
   * queued through the outbox and delivered when the replica syncs (SYNC.md: messages are mutations).
   */
  'messages.send': method({
    input: z
      .object({
        toUserId: id,
        kind: z.enum(['notice', 'substitution', 'other']),
        subject: z.string().trim().min(1).max(200),
        body: z.string().trim().min(1).max(4000),
      })
      .strict(),
    output: z.object({ messageId: z.string() }),
    writes: true,
  }),
};
