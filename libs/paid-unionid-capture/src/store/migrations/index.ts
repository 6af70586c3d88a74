export * from './1795785000000-create-payments.migration';
export * from './1795785000001-create-unionids.migration';
export * from './payments.migrations';
export * from './1795790000000-index-payments-deadline.migration';
export * from './1796400000000-add-payment-events.migration';
export * from './1796500000000-create-component-tickets.migration';
export * from './1796500000001-create-component-authorizers.migration';
