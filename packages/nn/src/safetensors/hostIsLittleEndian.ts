/**
 * Whether typed arrays on this machine are little-endian, like safetensors data. True on every
 * mainstream platform; on a big-endian host the readers and writers swap bytes through a DataView.
 */
export const hostIsLittleEndian: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
