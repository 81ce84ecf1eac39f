// PUT /api/deployments/{name} replaces the whole deployment: its model, its challenger and its declared key columns.
// Every change the dashboard makes to a deployment goes through updateDeployment, which reads the deployment as it is
// now and sends back what the change leaves alone, so that pointing the name elsewhere or setting a challenger never
// drops the key columns (outcomes reported by key would then be refused), nor a key change the challenger.

import * as api from './api.js';

export const deploymentPath = (name) => `/api/deployments/${encodeURIComponent(name)}`;

/** GET /api/deployments/{name}'s answer, or null when there is no deployment of that name yet. */
export async function readDeployment(name) {
  try {
    return await api.get(deploymentPath(name));
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) return null;
    throw error;
  }
}

/**
 * Changes a deployment (or creates it). change: the fields to set ({ modelId, shadowModelId, keyColumns }, any of
 * them), or a function of the deployment as it is now (null for a new name) that returns them. Resolves with
 * { before, after }: the deployment read before the PUT and the PUT's answer.
 */
export async function updateDeployment(name, change) {
  const before = await readDeployment(name);
  const changes = typeof change === 'function' ? change(before) : change;
  const body = {
    modelId: before?.modelId ?? null,
    shadowModelId: before?.shadowModelId ?? null,
    keyColumns: before?.keyColumns ?? [],
    ...changes,
  };
  const after = await api.put(deploymentPath(name), body);
  return { before, after };
}
