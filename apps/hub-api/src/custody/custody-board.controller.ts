import { Controller } from '@nestjs/common';

/** The custody navigators' board. */
@Controller()
export class CustodyBoardController {}
