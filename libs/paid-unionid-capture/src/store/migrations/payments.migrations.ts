import { CreatePayments1795785000000 } from './1795785000000-create-payments.migration';
import { CreateUnionIds1795785000001 } from './1795785000001-create-unionids.migration';
import { IndexPaymentsDeadline1795790000000 } from './1795790000000-index-payments-deadline.migration';
import { AddPaymentEvents1796400000000 } from './1796400000000-add-payment-events.migration';
import { CreateComponentTickets1796500000000 } from './1796500000000-create-component-tickets.migration';
import { CreateComponentAuthorizers1796500000001 } from './1796500000001-create-component-authorizers.migration';

/**
 * Every migration, oldest first. Given as classes rather than a glob so that the same list
 * works from `dist`, from ts sources under Jest, and after bundling.
 */
export const PAYMENTS_MIGRATIONS = [
  CreatePayments1795785000000,
  CreateUnionIds1795785000001,
  IndexPaymentsDeadline1795790000000,
  AddPaymentEvents1796400000000,
  CreateComponentTickets1796500000000,
  CreateComponentAuthorizers1796500000001,
];
