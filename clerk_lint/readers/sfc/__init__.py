"""Single-file components (.vue, .svelte, .astro): split into blocks, hand scripts to the ECMAScript reader."""
