// The DOM's size and the wasm memory (captured by CAPTURE_WASM) with everything loaded.
return { nodes: document.getElementsByTagName('*').length,
         rows: document.querySelectorAll('tr').length,
         wasm: window.__benchWasm ? window.__benchWasm.memory.buffer.byteLength : null };
