// PostgreSQL SQLSTATE 23505 unique_violation, surfaced by pg inside TypeORM's QueryFailedError.
export function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: string; driverError?: { code?: string } };
  return candidate?.code === '23505' || candidate?.driverError?.code === '23505';
}
