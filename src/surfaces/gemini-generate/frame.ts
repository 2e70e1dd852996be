// One Gemini SSE event: `data: <json>` and a blank line, with CRLF line endings as Google's servers
// send them (Google's SDKs split events on \r\n\r\n as well as \n\n). No event names, no [DONE]:
// a Gemini stream ends when the connection closes.
export function dataFrame(json: string): string {
  return `data: ${json}\r\n\r\n`;
}
