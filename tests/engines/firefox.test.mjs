// The core flows (flows.mjs) in Debian's firefox-esr, through geckodriver.

import { flows } from './flows.mjs';

flows('firefox');
