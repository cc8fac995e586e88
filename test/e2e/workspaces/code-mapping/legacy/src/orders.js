// The old orders module, kept for reference. Its name makes the suffix "src/orders.js" ambiguous.
module.exports = {};
