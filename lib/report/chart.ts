// Charts for the HTML report: Vega-Lite specs compiled by vega-lite and rendered to SVG strings by vega's
// headless SVG renderer (no canvas, no browser, no network), so the report stays one offline file.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

// The look every chart shares: the report's font and colours, no chart border.
const CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e8e8ef' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', labelLimit: 400 },
  range: { category: ['#4269d0', '#ef8a33', '#3ca951', '#ff725c', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'] },
};

// A Vega-Lite spec without data loading from URLs: every chart gets inline `values`.
export type ChartSpec = Omit<TopLevelSpec, '$schema'>;

// Compiles a Vega-Lite spec and renders it to a standalone SVG string.
export async function renderChart(spec: ChartSpec): Promise<string> {
  const withConfig = { ...spec, config: { ...CONFIG, ...(spec as { config?: object }).config } } as TopLevelSpec;
  // Warnings go nowhere: a chart that cannot be drawn throws, and worker logs stay clean.
  const compiled = compile(withConfig, { logger: vega.logger(vega.None) }).spec;
  // A loader that refuses everything: a chart never reaches the network or the disk.
  const loader = vega.loader();
  loader.load = () => Promise.reject(new Error('the report renders inline data only'));
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    return svg.replace(/^<svg /, '<svg role="img" ');
  } finally {
    view.finalize();
  }
}
