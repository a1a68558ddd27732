// Merged into @jupyterlab/builder's webpack config (package.json "jupyterlab.webpackConfig").
// plotly.js-dist-min ships minified: parsing and re-minifying its 4.6 MB costs
// minutes, so it is not parsed and nothing is minified (our own code is small).
module.exports = {
  module: {
    noParse: /plotly\.js-dist-min[\\/]plotly\.min\.js$/,
  },
  optimization: {
    minimize: false,
  },
};
