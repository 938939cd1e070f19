import { launch } from './launch';

/** The HTTP role only, whatever ROLE says: `node dist/src/main/server.js`. */
launch('api');
