/** GET /v1/models in OpenAI's shape: the model names this key may call. */
export function modelsListBody(names: readonly string[], created: number): string {
  return JSON.stringify({
    object: 'list',
    data: names.map((id) => ({ id, object: 'model', created, owned_by: 'tollgate' })),
  });
}
