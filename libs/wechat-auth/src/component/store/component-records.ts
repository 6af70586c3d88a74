import type { StoredAuthorizer, StoredComponentTicket } from './wechat-component.store';

/** A copy of `ticket` with only its own fields, so neither side can change the other's. */
export function copyTicket(ticket: StoredComponentTicket): StoredComponentTicket {
  return { ticket: ticket.ticket, createdAt: ticket.createdAt };
}

/** A copy of `record` (and of its `funcIds`), with the optional fields only when present. */
export function copyAuthorizer(record: StoredAuthorizer): StoredAuthorizer {
  return {
    authorizerAppId: record.authorizerAppId,
    ...(record.refreshToken === undefined ? {} : { refreshToken: record.refreshToken }),
    ...(record.funcIds === undefined ? {} : { funcIds: [...record.funcIds] }),
    ...(record.revokedAt === undefined ? {} : { revokedAt: record.revokedAt }),
    updatedAt: record.updatedAt,
  };
}
