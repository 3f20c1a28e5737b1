/** A PromQL syntax or type error and where in the expression it is. */
export interface PromqlSyntaxError {
  offset: number;
  message: string;
}
