/** What the last action did: a status line, or the API's refusal as an alert. */
export type NoticeState = { kind: 'ok' | 'error'; text: string } | undefined;

export function Notice({ notice }: { notice: NoticeState }) {
  return (
    <div className="notice-area">
      <p role="status" className="notice ok">
        {notice?.kind === 'ok' ? notice.text : ''}
      </p>
      {notice?.kind === 'error' ? (
        <p role="alert" className="notice error">
          {notice.text}
        </p>
      ) : null}
    </div>
  );
}
