// dcmjs ships no type declarations; libs/dicom wraps it behind typed functions.
declare module 'dcmjs';
