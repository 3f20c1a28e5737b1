// Tests of packages that do no file I/O of their own (the compiler) read definitions with the
// CLI's reader, through its package name.
export { readDefinitionsDir } from '@vigil/cli';
