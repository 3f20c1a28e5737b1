/** A generated file: its path relative to the project root, and its content. */
export interface OutputFile {
  path: string;
  content: string;
}
