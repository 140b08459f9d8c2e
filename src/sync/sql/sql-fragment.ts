/**
 * A named piece of a statement composed from several (the inbound page commit): one CTE, `name`
 * AS (text). Its text is written against what the composing statement binds (parameter
 * placeholders, conditions), so a fragment says what it writes without knowing where its values
 * sit in the statement's parameter list.
 */
export interface SqlFragment<Bind> {
  /** The CTE's name: later fragments and the final SELECT read its RETURNING rows by it. */
  readonly name: string;
  text(bind: Bind): string;
}
