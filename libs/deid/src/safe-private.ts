// PS3.15 E.3.10 Retain Safe Private Option: private attributes known not to identify, by creator and element
// (the low byte; the block byte varies per file, PS3.5 7.8.1). A conservative subset of Table E.3.10-1 (diffusion
// parameters); callers may pass more from the standard's table.

export interface SafePrivateAttribute {
  readonly creator: string;
  readonly group: number;
  /** Element offset inside the block, 0x00-0xFF (the `xx` of (gggg,xxEE) is the block). */
  readonly element: number;
}

export const DEFAULT_SAFE_PRIVATE_ATTRIBUTES: readonly SafePrivateAttribute[] = [
  { creator: 'SIEMENS MR HEADER', group: 0x0019, element: 0x0c }, // B_value
  { creator: 'SIEMENS MR HEADER', group: 0x0019, element: 0x0d }, // DiffusionDirectionality
  { creator: 'SIEMENS MR HEADER', group: 0x0019, element: 0x0e }, // DiffusionGradientDirection
  { creator: 'SIEMENS MR HEADER', group: 0x0019, element: 0x27 }, // B_matrix
  { creator: 'GEMS_PARM_01', group: 0x0043, element: 0x39 }, // slop_int_6..9 (b-value)
  { creator: 'Philips Imaging DD 001', group: 0x2001, element: 0x03 }, // Diffusion B-Factor
];

export function safePrivateKey(creator: string, group: number, element: number): string {
  return `${creator.trim().toUpperCase()}|${group}|${element}`;
}
