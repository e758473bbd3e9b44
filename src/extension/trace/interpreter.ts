/**
 * Which Python runs the tracer: the Python extension's active environment when it is installed,
 * else the `mistakeLens.pythonPath` setting, else `python3`. Callers check workspace trust
 * first; the setting is also a restricted configuration, so an untrusted workspace's value is
 * never read.
 */
import * as vscode from 'vscode';

/** The part of ms-python.python's API used here (environments API, 2023+). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
    resolveEnvironment(env: { id: string; path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

export interface Interpreter {
  path: string;
  /** Where it came from, for the output channel. */
  source: 'python extension' | 'mistakeLens.pythonPath' | 'default';
}

export async function pickInterpreter(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<Interpreter> {
  const ext = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (ext) {
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      const envPath = api?.environments?.getActiveEnvironmentPath(resource);
      if (envPath) {
        const env = await api.environments!.resolveEnvironment(envPath);
        const exe = env?.executable.uri?.fsPath;
        if (exe) return { path: exe, source: 'python extension' };
      }
    } catch (e) {
      log.warn(`the Python extension did not give an interpreter: ${(e as Error).message}`);
    }
  }
  const configured = vscode.workspace.getConfiguration('mistakeLens', resource).get<string>('pythonPath', '').trim();
  if (configured) return { path: configured, source: 'mistakeLens.pythonPath' };
  return { path: 'python3', source: 'default' };
}
