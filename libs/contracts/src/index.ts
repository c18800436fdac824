export * from './cloud-event';
export * from './validation';
export * from './validators';
export * from './person.dto';
export * from './police/dash';
export * from './police/domestic-incident.dto';
export * from './marac/marac-referral.dto';
export * from './topics';
