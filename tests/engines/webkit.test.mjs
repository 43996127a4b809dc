// The core flows (flows.mjs) in WebKitGTK's MiniBrowser, through WebKitWebDriver.

import { flows } from './flows.mjs';

flows('webkit');
