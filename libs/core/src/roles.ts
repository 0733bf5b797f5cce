export enum Role {
  Admin = 'admin',
  Committee = 'committee',
  Contributor = 'contributor',
  Steward = 'steward',
  Researcher = 'researcher',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}
