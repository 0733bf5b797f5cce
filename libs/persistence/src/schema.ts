// Every table lives in this schema, so the hub can share a database with other applications.
export const IMAGORA_SCHEMA = 'imagora';
