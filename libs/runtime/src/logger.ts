import pino, { Logger } from 'pino';

// Never logged: credentials, and every attribute that can identify a patient (PS3.15 Table E.1-1 names).
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.apiKey',
  '*.key',
  '*.secret',
  '*.secretHash',
  '*.passwordHash',
  '*.PatientName',
  '*.PatientID',
  '*.PatientBirthDate',
  '*.PatientAddress',
  '*.OtherPatientIDs',
  '*.OtherPatientNames',
  '*.PatientMotherBirthName',
  '*.ReferringPhysicianName',
  '*.InstitutionName',
  '*.InstitutionAddress',
  '*.AccessionNumber',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'imagora' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
