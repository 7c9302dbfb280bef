import type { Template } from '@accessgraph/contract';

/** The OAA templates Accessgraph accepts. oaaclient lists them to test its connection. */
export const TEMPLATES: Template[] = [
  {
    id: 'application',
    name: 'Custom Application',
    description: 'Applications and services with users, groups, roles, resources and permissions',
  },
  {
    id: 'identity_provider',
    name: 'Custom Identity Provider',
    description: 'Identity sources with users, groups, domains and app assignments',
  },
  { id: 'hris', name: 'HRIS', description: 'HR systems with employees, managers and organisational groups' },
];
