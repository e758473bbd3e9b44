/**
 * Every use of @vscode/webview-ui-toolkit lives in this folder. The toolkit is no longer
 * maintained upstream; the rest of the panel only calls these factories and handles, so
 * swapping it (e.g. for @vscode-elements) means rewriting this folder and nothing else.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Define the custom elements once, before any factory below is used. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(), vsCodeButton(), vsCodeDataGrid(), vsCodeDataGridCell(), vsCodeDataGridRow(), vsCodeDivider(),
    vsCodeDropdown(), vsCodeOption(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeProgressRing(), vsCodeTextField(),
  );
}

export { button, type ButtonOptions } from './button';
export { dropdown, type DropdownHandle, type DropdownOption } from './dropdown';
export { textField, type TextFieldHandle } from './textField';
export { tabs, type TabsHandle, type TabSpec } from './tabs';
export { dataGrid, type DataGridColumn, type DataGridHandle } from './dataGrid';
export { badge, divider, progressRing } from './misc';
