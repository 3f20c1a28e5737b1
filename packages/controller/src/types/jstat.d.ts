// The part of jstat (no published types) the judge uses: Student's t distribution.
declare module 'jstat' {
  interface StudentT {
    /** P(T <= x) on `dof` degrees of freedom (any positive real). */
    cdf(x: number, dof: number): number;
    /** The p-quantile on `dof` degrees of freedom. */
    inv(p: number, dof: number): number;
  }
  const jStat: { studentt: StudentT };
  export default jStat;
}
